import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { packRules } from '@casl/ability/extra';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import { UsersService } from '../users/users.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly users: UsersService) {}

  /** The caller, their council id and their abilities (CASL rules, packed) for a client UI. */
  @Get()
  @CheckPolicies(() => true)
  @ApiOkResponse({ description: '{ user, councilId, rules }' })
  async me(@CurrentActor() actor: Actor) {
    return {
      user: await this.users.get(actor, actor.userId),
      councilId: actor.councilId,
      rules: packRules(actor.ability.rules),
    };
  }
}
