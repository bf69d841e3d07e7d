import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageQueryDto } from '../common/pagination';
import { ProblemDto } from '../common/problem';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import { CreateUserDto, UpdateUserDto, UserDto, UserPageDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @CheckPolicies((ability) => ability.can('read', 'User'))
  @ApiOkResponse({ type: UserPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: PageQueryDto) {
    return this.users.list(actor, query);
  }

  @Get(':id')
  @CheckPolicies((ability) => ability.can('read', 'User'))
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.users.get(actor, id);
  }

  @Post()
  @CheckPolicies((ability) => ability.can('create', 'User'))
  @ApiCreatedResponse({ type: UserDto, headers: { Location: { description: 'The new user' } } })
  @ApiForbiddenResponse({ type: ProblemDto })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateUserDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const user = await this.users.create(actor, body);
    void reply.header('Location', `/api/v1/users/${user.id}`);
    return user;
  }

  @Patch(':id')
  @CheckPolicies((ability) => ability.can('read', 'User'))
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Stale version, or the last active admin' })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateUserDto) {
    return this.users.update(actor, id, body);
  }
}
