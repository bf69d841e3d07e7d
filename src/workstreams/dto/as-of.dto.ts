import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCalendarDate } from '../../common/dates';
import { PageQueryDto } from '../../common/pagination';

/** A page of records read as at a date (milestones: overdue then). */
export class AsOfPageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'date', description: 'As at this date (default today)' })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}
