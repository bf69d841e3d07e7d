import { ApiProperty } from '@nestjs/swagger';
import type { PackRule } from '@casl/ability/extra';
import { CouncilDto } from '../../councils/dto/council.dto';
import { UserDto } from '../../users/dto/user.dto';

/** `GET /me`: the caller, their council and their abilities, for a client UI. */
export class MeDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ type: CouncilDto, nullable: true, description: 'null for a platform admin' })
  council: CouncilDto | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) councilId: string | null;
  @ApiProperty({
    description:
      'Your abilities as CASL rules in packed form (`unpackRules` from `@casl/ability/extra`): ' +
      '[action, subject, conditions or 0, inverted 1 or 0, fields or 0, reason]',
    type: 'array',
    items: {
      type: 'array',
      items: {
        oneOf: [
          { type: 'string' },
          { type: 'integer', enum: [0, 1] },
          { type: 'object', additionalProperties: true, description: 'Conditions' },
        ],
      },
    },
    example: [
      ['read', 'Workstream'],
      ['update', 'User', { councilId: '9d1c2b7a-4e3f-4a60-8b15-2f6e0c7d9a31' }],
    ],
  })
  rules: PackRule<never>[];
}
