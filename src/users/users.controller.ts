import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageQueryDto } from '../common/pagination';
import { ApiCreatedAt, ApiBodyProblems, ApiProblem, ApiProblems } from '../common/api-responses';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import { CreateUserDto, UpdateUserDto, UserDto, UserPageDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @CheckPolicies((ability) => ability.can('read', 'User'))
  @ApiOperation({
    summary: 'Users you may see',
    description: "A council admin sees their council's users; platform admins see every user.",
    operationId: 'listUsers',
  })
  @ApiOkResponse({ type: UserPageDto, description: 'Oldest first, ties by id' })
  @ApiProblem(400)
  list(@CurrentActor() actor: Actor, @Query() query: PageQueryDto) {
    return this.users.list(actor, query);
  }

  @Get(':id')
  @CheckPolicies((ability) => ability.can('read', 'User'))
  @ApiOperation({ summary: 'A user', operationId: 'getUser' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblem(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.users.get(actor, id);
  }

  @Post()
  @CheckPolicies((ability) => ability.can('create', 'User'))
  @ApiOperation({
    summary: 'Invite a user',
    description: 'The user is `invited`: a one-time code to set their password is mailed.',
    operationId: 'createUser',
  })
  @ApiCreatedAt(UserDto)
  @ApiBodyProblems()
  @ApiProblem(403)
  @ApiProblem(409, 'A user with that email exists')
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
  @ApiOperation({
    summary: "Change a user's name, job title, role or status",
    operationId: 'updateUser',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiBodyProblems()
  @ApiProblem(403)
  @ApiProblem(404)
  @ApiProblem(409, 'Stale version, or the last active admin')
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateUserDto) {
    return this.users.update(actor, id, body);
  }
}
