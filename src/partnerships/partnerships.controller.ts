import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageQueryDto } from '../common/pagination';
import { ProblemDto } from '../common/problem';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import {
  AddMemberDto,
  AlignmentDto,
  AlignmentQueryDto,
  CreatePartnershipDto,
  MemberDto,
  MemberPageDto,
  MemberQueryDto,
  PartnershipDto,
  PartnershipPageDto,
  EndAdministrationDto,
  PassAdministrationDto,
  UpdateMemberDto,
  UpdatePartnershipDto,
} from './dto/partnership.dto';
import { MembersService } from './members.service';
import { PartnershipsService } from './partnerships.service';

const readable = CheckPolicies((ability) => ability.can('read', 'Partnership'));

@ApiTags('partnerships')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ProblemDto, description: 'Not a partnership of your council' })
@Controller('partnerships')
export class PartnershipsController {
  constructor(
    private readonly partnerships: PartnershipsService,
    private readonly members: MembersService,
  ) {}

  @Get()
  @readable
  @ApiOkResponse({ type: PartnershipPageDto, description: 'By name, ties by id' })
  list(@CurrentActor() actor: Actor, @Query() query: PageQueryDto) {
    return this.partnerships.list(actor, query);
  }

  @Post()
  @CheckPolicies((ability) => ability.can('create', 'Partnership'))
  @ApiCreatedResponse({ type: PartnershipDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreatePartnershipDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const partnership = await this.partnerships.create(actor, body);
    void reply.header('Location', `/api/v1/partnerships/${partnership.id}`);
    return partnership;
  }

  @Get(':id')
  @readable
  @ApiOkResponse({ type: PartnershipDto })
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.partnerships.get(actor, id);
  }

  @Patch(':id')
  @readable
  @ApiOkResponse({ type: PartnershipDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Stale version' })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: UpdatePartnershipDto,
  ) {
    return this.partnerships.update(actor, id, body);
  }

  @Get(':id/alignment')
  @readable
  @ApiOkResponse({ type: AlignmentDto })
  alignment(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: AlignmentQueryDto,
  ) {
    return this.partnerships.alignment(actor, id, query.top);
  }

  @Get(':id/members')
  @readable
  @ApiOkResponse({ type: MemberPageDto, description: 'By joining date, ties by id' })
  listMembers(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: MemberQueryDto,
  ) {
    return this.members.list(actor, id, query);
  }

  @Post(':id/members')
  @readable
  @ApiCreatedResponse({ type: MemberDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Already a member' })
  async addMember(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: AddMemberDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const member = await this.members.add(actor, id, body);
    void reply.header('Location', `/api/v1/partnerships/${id}/members/${member.id}`);
    return member;
  }

  @Patch(':id/members/:memberId')
  @readable
  @ApiOkResponse({ type: MemberDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  updateMember(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('memberId') memberId: string,
    @Body() body: UpdateMemberDto,
  ) {
    return this.members.update(actor, id, memberId, body);
  }

  @Delete(':id/members/:memberId')
  @readable
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The membership ends today; its history is kept' })
  @ApiForbiddenResponse({ type: ProblemDto })
  async removeMember(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('memberId') memberId: string,
  ) {
    await this.members.remove(actor, id, memberId);
  }

  @Post(':id/administering')
  @readable
  @HttpCode(200)
  @ApiOkResponse({ type: MemberDto, description: "The new administering council's membership" })
  @ApiForbiddenResponse({ type: ProblemDto })
  passAdministration(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: PassAdministrationDto,
  ) {
    return this.members.passAdministration(actor, id, body);
  }

  @Post(':id/administering/end')
  @readable
  @HttpCode(200)
  @ApiOkResponse({
    type: MemberDto,
    description: 'The former administering council, now a member; no successor named yet',
  })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'No council administers it now' })
  endAdministration(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: EndAdministrationDto,
  ) {
    return this.members.endAdministration(actor, id, body);
  }
}
