import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageQueryDto } from '../common/pagination';
import { ValidationProblem } from '../common/problem';
import { ApiCreatedAt, ApiBodyProblems, ApiProblem, ApiProblems } from '../common/api-responses';
import { contentDisposition } from '../common/content-disposition';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import {
  ApproveReportDto,
  CreateReportDto,
  CreateScheduleDto,
  FORMATS,
  RenderQueryDto,
  ReportDto,
  ReportPageDto,
  ReportQueryDto,
  ReturnReportDto,
  ScheduleDto,
  SchedulePageDto,
  SubmitReportDto,
  UpdateReportDto,
  UpdateSectionDto,
} from './dto/report.dto';
import { editionOf } from './report-model';
import { ReportSchedulesService } from './report-schedules.service';
import { ReportsService } from './reports.service';
import { ReportFormat, renderReport } from './render';

const readable = CheckPolicies((ability) => ability.can('read', 'Report'));

/** The format a client asked for: `?format=`, else the first `Accept` type we make. */
const ACCEPTED: [RegExp, ReportFormat][] = [
  [/^text\/markdown/, 'md'],
  [/^text\/html/, 'html'],
  [/^application\/vnd\.openxmlformats-officedocument\.wordprocessingml\.document/, 'docx'],
  [/^application\/pdf/, 'pdf'],
];
function formatOf(query: RenderQueryDto, accept: string | undefined): ReportFormat {
  if (query.format) return query.format;
  for (const type of (accept ?? '').split(',').map((t) => t.trim().toLowerCase())) {
    const found = ACCEPTED.find(([pattern]) => pattern.test(type));
    if (found) return found[1];
  }
  throw new ValidationProblem([
    { field: 'format', message: `format must be one of ${FORMATS.join(', ')} (or sent as Accept)` },
  ]);
}

const NOT_READABLE = 'Not a report your council may read, or no such section';

@ApiTags('reports')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly schedules: ReportSchedulesService,
  ) {}

  @Get()
  @readable
  @ApiOperation({
    summary: "Your council's reports and those shared with it",
    operationId: 'listReports',
  })
  @ApiOkResponse({ type: ReportPageDto, description: 'Latest period first, ties by id' })
  @ApiProblem(400)
  list(@CurrentActor() actor: Actor, @Query() query: ReportQueryDto) {
    return this.reports.list(actor, query);
  }

  @Get('due')
  @CheckPolicies((ability) => ability.can('read', 'ReportSchedule'))
  @ApiOperation({
    summary: 'Reports due and overdue from your council',
    operationId: 'listDueReports',
  })
  @ApiOkResponse({ type: SchedulePageDto, description: 'By due date' })
  @ApiProblem(400)
  due(@CurrentActor() actor: Actor, @Query() query: PageQueryDto) {
    return this.schedules.due(actor, query);
  }

  @Post()
  @CheckPolicies((ability) => ability.can('create', 'Report'))
  @ApiOperation({
    summary: 'Compose a draft report from live data as at periodTo',
    operationId: 'createReport',
  })
  @ApiCreatedAt(ReportDto)
  @ApiProblem(403)
  @ApiBodyProblems()
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateReportDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = await this.reports.create(actor, body);
    void reply.header('Location', `/api/v1/reports/${report.id}`);
    return report;
  }

  @Get(':id')
  @readable
  @ApiOperation({ summary: 'A report with its sections', operationId: 'getReport' })
  @ApiOkResponse({ type: ReportDto })
  @ApiProblem(404, NOT_READABLE)
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.reports.get(actor, id);
  }

  @Patch(':id')
  @readable
  @ApiOperation({ summary: "Edit a draft's header", operationId: 'updateReport' })
  @ApiOkResponse({ type: ReportDto })
  @ApiProblem(403)
  @ApiProblem(409, 'Stale version, or not a draft')
  @ApiBodyProblems()
  @ApiProblem(404, NOT_READABLE)
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateReportDto) {
    return this.reports.update(actor, id, body);
  }

  @Patch(':id/sections/:sectionId')
  @readable
  @ApiOperation({ summary: "Edit a draft's section", operationId: 'updateReportSection' })
  @ApiOkResponse({ type: ReportDto })
  @ApiProblem(403)
  @ApiProblem(409)
  @ApiBodyProblems()
  @ApiProblem(404, NOT_READABLE)
  updateSection(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('sectionId') sectionId: string,
    @Body() body: UpdateSectionDto,
  ) {
    return this.reports.updateSection(actor, id, sectionId, body);
  }

  @Post(':id/recompose')
  @readable
  @HttpCode(200)
  @ApiOperation({
    summary: "Fill a draft's workstream and agreement sections again from live data",
    operationId: 'recomposeReport',
  })
  @ApiOkResponse({ type: ReportDto })
  @ApiProblem(403)
  @ApiProblem(409)
  @ApiBodyProblems()
  @ApiProblem(404, NOT_READABLE)
  recompose(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: SubmitReportDto) {
    return this.reports.recompose(actor, id, body.version);
  }

  @Post(':id/submit')
  @readable
  @HttpCode(200)
  @ApiOperation({
    summary: 'Submit the report: it is frozen as it reads now',
    operationId: 'submitReport',
  })
  @ApiOkResponse({ type: ReportDto })
  @ApiProblem(403)
  @ApiProblem(409)
  @ApiBodyProblems()
  @ApiProblem(404, NOT_READABLE)
  submit(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: SubmitReportDto) {
    return this.reports.submit(actor, id, body.version);
  }

  @Post(':id/return')
  @readable
  @HttpCode(200)
  @ApiOperation({
    summary: 'Return a submitted report to draft, with a reason',
    operationId: 'returnReport',
  })
  @ApiOkResponse({ type: ReportDto })
  @ApiProblem(403)
  @ApiProblem(409)
  @ApiBodyProblems()
  @ApiProblem(404, NOT_READABLE)
  returnToDraft(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ReturnReportDto,
  ) {
    return this.reports.returnToDraft(actor, id, body);
  }

  @Post(':id/approve')
  @readable
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve a submitted report, naming the accountable officer and director',
    operationId: 'approveReport',
  })
  @ApiOkResponse({ type: ReportDto })
  @ApiProblem(403)
  @ApiProblem(409)
  @ApiBodyProblems()
  @ApiProblem(404, NOT_READABLE)
  approve(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: ApproveReportDto) {
    return this.reports.approve(actor, id, body);
  }

  @Get(':id/render')
  @readable
  @ApiOperation({
    summary: 'The committee paper as Markdown, HTML, Word or PDF; internal or public edition',
    operationId: 'renderReport',
  })
  @ApiProduces(
    'text/markdown',
    'text/html',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/pdf',
  )
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiProblem(400, 'No format given or asked for in Accept, or an unknown one')
  @ApiProblem(404, NOT_READABLE)
  async render(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: RenderQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const format = formatOf(query, accept);
    const report = editionOf(await this.reports.composed(actor, id), query.edition);
    const rendered = await renderReport(report, format);
    const name = `${slug(report.header.reference ?? report.header.title)}${query.edition === 'public' ? '-public' : ''}.${rendered.extension}`;
    void reply.header(
      'Content-Disposition',
      contentDisposition(name, format === 'html' || format === 'md' ? 'inline' : 'attachment'),
    );
    return new StreamableFile(rendered.body, {
      type: rendered.contentType,
      length: rendered.body.length,
    });
  }
}

@ApiTags('reports')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('report-schedules')
export class ReportSchedulesController {
  constructor(private readonly schedules: ReportSchedulesService) {}

  @Post()
  @CheckPolicies((ability) => ability.can('create', 'ReportSchedule'))
  @ApiOperation({
    summary: 'Schedule a progress report on a workstream, partnership or agreement',
    operationId: 'createReportSchedule',
  })
  @ApiCreatedAt(ScheduleDto)
  @ApiProblem(403)
  @ApiBodyProblems()
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateScheduleDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const schedule = await this.schedules.create(actor, body);
    void reply.header('Location', `/api/v1/report-schedules/${schedule.id}`);
    return schedule;
  }

  @Get(':id')
  @CheckPolicies((ability) => ability.can('read', 'ReportSchedule'))
  @ApiOperation({ summary: 'A report schedule', operationId: 'getReportSchedule' })
  @ApiOkResponse({ type: ScheduleDto })
  @ApiProblem(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.schedules.get(actor, id);
  }
}

function slug(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/[\s_]+/g, '-')
      .slice(0, 80) || 'report'
  );
}
