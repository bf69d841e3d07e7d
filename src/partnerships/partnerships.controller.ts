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
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageQueryDto } from '../common/pagination';
import { ApiCreatedAt, ApiBodyProblems, ApiProblem, ApiProblems } from '../common/api-responses';
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
const NOT_OURS = 'Not a partnership of your council';
const ADMINS_ONLY = "Only the administering council's admins manage it";

@ApiTags('partnerships')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('partnerships')
export class PartnershipsController {
  constructor(
    private readonly partnerships: PartnershipsService,
    private readonly members: MembersService,
  ) {}

  @Get()
  @readable
  @ApiOperation({ summary: 'Partnerships of your council', operationId: 'listPartnerships' })
  @ApiOkResponse({ type: PartnershipPageDto, description: 'By name, ties by id' })
  @ApiProblem(400)
  list(@CurrentActor() actor: Actor, @Query() query: PageQueryDto) {
    return this.partnerships.list(actor, query);
  }

  @Post()
  @CheckPolicies((ability) => ability.can('create', 'Partnership'))
  @ApiOperation({
    summary: 'Start a partnership',
    description: 'A council admin starts it with their council as its administering council.',
    operationId: 'createPartnership',
  })
  @ApiCreatedAt(PartnershipDto)
  @ApiBodyProblems()
  @ApiProblem(403, 'Council admins start partnerships for their own council')
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
  @ApiOperation({ summary: 'A partnership', operationId: 'getPartnership' })
  @ApiOkResponse({ type: PartnershipDto })
  @ApiProblem(404, NOT_OURS)
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.partnerships.get(actor, id);
  }

  @Patch(':id')
  @readable
  @ApiOperation({
    summary: "Edit a partnership's name, description, kind or status",
    operationId: 'updatePartnership',
  })
  @ApiOkResponse({ type: PartnershipDto })
  @ApiBodyProblems()
  @ApiProblem(403, ADMINS_ONLY)
  @ApiProblem(404, NOT_OURS)
  @ApiProblem(409, 'Stale version')
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: UpdatePartnershipDto,
  ) {
    return this.partnerships.update(actor, id, body);
  }

  @Get(':id/alignment')
  @readable
  @ApiOperation({
    summary: "How each member's top priorities align with the partnership's",
    operationId: 'getPartnershipAlignment',
  })
  @ApiOkResponse({ type: AlignmentDto })
  @ApiProblems(400)
  @ApiProblem(404, NOT_OURS)
  alignment(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: AlignmentQueryDto,
  ) {
    return this.partnerships.alignment(actor, id, query.top);
  }

  @Get(':id/members')
  @readable
  @ApiOperation({
    summary: 'Member councils, current or all',
    operationId: 'listPartnershipMembers',
  })
  @ApiOkResponse({ type: MemberPageDto, description: 'By joining date, ties by id' })
  @ApiProblems(400)
  @ApiProblem(404, NOT_OURS)
  listMembers(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: MemberQueryDto,
  ) {
    return this.members.list(actor, id, query);
  }

  @Post(':id/members')
  @readable
  @ApiOperation({ summary: 'Add a member council', operationId: 'addPartnershipMember' })
  @ApiCreatedAt(MemberDto)
  @ApiBodyProblems()
  @ApiProblem(403, ADMINS_ONLY)
  @ApiProblem(404, NOT_OURS)
  @ApiProblem(409, 'Already a member')
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
  @ApiOperation({
    summary: "Change a member's role or chair, or end its membership on a date",
    operationId: 'updatePartnershipMember',
  })
  @ApiOkResponse({ type: MemberDto })
  @ApiBodyProblems()
  @ApiProblem(403, ADMINS_ONLY)
  @ApiProblem(404, 'Not a partnership of your council, or not one of its members')
  @ApiProblem(409, 'Stale version, or the council still leads workstreams of the partnership')
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
  @ApiOperation({ summary: 'End a membership today', operationId: 'removePartnershipMember' })
  @ApiNoContentResponse({ description: 'The membership ends today; its history is kept' })
  @ApiProblem(403, ADMINS_ONLY)
  @ApiProblem(404, 'Not a partnership of your council, or not one of its members')
  @ApiProblem(409, 'The council still leads workstreams of the partnership')
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
  @ApiOperation({
    summary: 'Pass the administration to another member council',
    operationId: 'passPartnershipAdministration',
  })
  @ApiOkResponse({ type: MemberDto, description: "The new administering council's membership" })
  @ApiBodyProblems()
  @ApiProblem(403, ADMINS_ONLY)
  @ApiProblem(404, NOT_OURS)
  @ApiProblem(409)
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
  @ApiOperation({
    summary: 'End the administration without a successor',
    operationId: 'endPartnershipAdministration',
  })
  @ApiOkResponse({
    type: MemberDto,
    description: 'The former administering council, now a member; no successor named yet',
  })
  @ApiBodyProblems()
  @ApiProblem(403, ADMINS_ONLY)
  @ApiProblem(404, NOT_OURS)
  @ApiProblem(409, 'No council administers it now')
  endAdministration(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: EndAdministrationDto,
  ) {
    return this.members.endAdministration(actor, id, body);
  }
}
