import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-responses';
import { PackRule, packRules } from '@casl/ability/extra';
import { CouncilsService } from '../councils/councils.service';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import { UsersService } from '../users/users.service';
import { MeDto } from './dto/me.dto';

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
  @ApiOperation({ summary: 'You: your user, council and abilities', operationId: 'getMe' })
  @ApiOkResponse({ type: MeDto })
  @ApiProblems(400, 401)
  async me(@CurrentActor() actor: Actor): Promise<MeDto> {
    return {
      user: await this.users.get(actor, actor.userId),
      council: actor.councilId ? await this.councils.get(actor, actor.councilId) : null,
      councilId: actor.councilId,
      rules: packRules(actor.ability.rules) as PackRule<never>[],
    };
  }
}
