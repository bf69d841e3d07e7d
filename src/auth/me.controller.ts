import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { PackRule, packRules } from '@casl/ability/extra';
import { CouncilsService } from '../councils/councils.service';
import { CouncilDto } from '../councils/dto/council.dto';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import { UserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';

class MeDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({ type: CouncilDto, nullable: true, description: 'null for a platform admin' })
  council: CouncilDto | null;
  @ApiProperty({ format: 'uuid', nullable: true }) councilId: string | null;
  @ApiProperty({
    description:
      'Your abilities as CASL rules in packed form (`unpackRules` from `@casl/ability/extra`)',
    type: 'array',
    items: { type: 'array', items: {} },
  })
  rules: PackRule<never>[];
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly councils: CouncilsService,
  ) {}

  /** The caller, their council (with its profile) and their abilities, for a client UI. */
  @Get()
  @CheckPolicies(() => true)
  @ApiOkResponse({ type: MeDto })
  async me(@CurrentActor() actor: Actor): Promise<MeDto> {
    return {
      user: await this.users.get(actor, actor.userId),
      council: actor.councilId ? await this.councils.get(actor, actor.councilId) : null,
      councilId: actor.councilId,
      rules: packRules(actor.ability.rules) as PackRule<never>[],
    };
  }
}
