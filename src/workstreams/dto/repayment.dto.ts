import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsCalendarDate } from '../../common/dates';
import { MAX_PENCE, RecordDto, Versioned } from './records.dto';

/** A repayment made under a funding line's thresholds (Leeds: £50k at £1m of savings). */
export class CreateRepaymentDto {
  @ApiProperty({ format: 'date', example: '2010-04-30' }) @IsCalendarDate() paidOn: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 5000000 })
  @IsInt()
  @Min(1)
  @Max(MAX_PENCE)
  amountPence: number;
  @ApiPropertyOptional({ example: 'Invoice LP/2010/17' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  reference?: string;
}
export class UpdateRepaymentDto extends Versioned {
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() paidOn?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PENCE)
  amountPence?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) reference?: string;
}
export class RepaymentDto extends RecordDto {
  @ApiProperty({ format: 'uuid' }) fundingLineId: string;
  @ApiProperty({ format: 'date' }) paidOn: string;
  @ApiProperty({ type: 'integer' }) amountPence: number;
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
}
