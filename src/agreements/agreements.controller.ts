import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageQueryDto } from '../common/pagination';
import { ApiCreatedAt, ApiBodyProblems, ApiProblem, ApiProblems } from '../common/api-responses';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor } from '../tenancy/decorators';
import { contentDisposition } from '../common/content-disposition';
import { AgreementDocumentsService } from './agreement-documents.service';
import { AgreementsService } from './agreements.service';
import { DOCX, PDF } from './document-type';
import {
  AgreementDto,
  AgreementPageDto,
  AgreementQueryDto,
  AgreementVersionDto,
  ApproveDto,
  CreateAgreementDto,
  DeclineDto,
  DocumentDto,
  DocumentPageDto,
  DocumentQueryDto,
  LinkWorkstreamsDto,
  ReviewDto,
  SignDto,
  StartReviewDto,
  TerminateDto,
  UpdateAgreementDto,
  VersionPageDto,
  SubmitAgreementDto,
} from './dto/agreement.dto';

const readable = CheckPolicies((ability) => ability.can('read', 'Agreement'));

/** A version number in a path: a positive integer, or no such version (404). */
function versionNumber(raw: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw new NotFoundException('No such version');
  return Number(raw);
}

const NOT_PARTY = 'Not an agreement your council is party to, or no such version or document';

@ApiTags('agreements')
@ApiBearerAuth()
@ApiProblems(400, 401)
@Controller('agreements')
export class AgreementsController {
  constructor(
    private readonly agreements: AgreementsService,
    private readonly documents: AgreementDocumentsService,
  ) {}

  @Get()
  @readable
  @ApiOperation({ summary: 'Agreements your council is a party to', operationId: 'listAgreements' })
  @ApiOkResponse({ type: AgreementPageDto, description: 'By reference, ties by id' })
  @ApiProblem(400)
  list(@CurrentActor() actor: Actor, @Query() query: AgreementQueryDto) {
    return this.agreements.list(actor, query);
  }

  @Post()
  @CheckPolicies((ability) => ability.can('create', 'Agreement'))
  @ApiOperation({ summary: 'Start a draft agreement (version 1)', operationId: 'createAgreement' })
  @ApiCreatedAt(AgreementDto)
  @ApiProblem(403)
  @ApiBodyProblems()
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateAgreementDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const agreement = await this.agreements.create(actor, body);
    void reply.header('Location', `/api/v1/agreements/${agreement.id}`);
    return agreement;
  }

  @Get(':id')
  @readable
  @ApiOperation({
    summary: 'An agreement with its parties, decisions, signatures and versions in play',
    operationId: 'getAgreement',
  })
  @ApiOkResponse({ type: AgreementDto })
  @ApiProblem(404, NOT_PARTY)
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.agreements.get(actor, id);
  }

  @Patch(':id')
  @readable
  @ApiOperation({
    summary: 'Edit a draft, or amend an approved or active agreement (a new version)',
    operationId: 'updateAgreement',
  })
  @ApiOkResponse({ type: AgreementDto })
  @ApiProblem(403)
  @ApiProblem(409, 'Stale version, or terms frozen')
  @ApiBodyProblems()
  @ApiProblem(404, NOT_PARTY)
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateAgreementDto) {
    return this.agreements.update(actor, id, body);
  }

  @Post(':id/submit')
  @readable
  @HttpCode(200)
  @ApiOperation({ summary: 'Put the draft terms to every party', operationId: 'submitAgreement' })
  @ApiOkResponse({ type: AgreementDto })
  @ApiProblem(403)
  @ApiProblem(409)
  @ApiBodyProblems()
  @ApiProblem(404, NOT_PARTY)
  submit(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: SubmitAgreementDto) {
    return this.agreements.submit(actor, id, body.version);
  }

  @Post(':id/approve')
  @readable
  @HttpCode(200)
  @ApiOperation({
    summary: "Record a party's approval of the version in approval",
    operationId: 'approveAgreement',
  })
  @ApiOkResponse({ type: AgreementDto })
  @ApiProblem(403, 'Not a council admin of that party')
  @ApiProblem(409, 'Not in approval, or already decided')
  @ApiBodyProblems()
  @ApiProblem(404, NOT_PARTY)
  approve(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: ApproveDto) {
    return this.agreements.decide(actor, id, body, 'approved');
  }

  @Post(':id/decline')
  @readable
  @HttpCode(200)
  @ApiOperation({
    summary: "Record a party's decline: the version goes back to draft with the reason",
    operationId: 'declineAgreement',
  })
  @ApiOkResponse({ type: AgreementDto })
  @ApiProblem(403)
  @ApiProblem(409)
  @ApiBodyProblems()
  @ApiProblem(404, NOT_PARTY)
  decline(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: DeclineDto) {
    return this.agreements.decide(actor, id, body, 'declined');
  }

  @Post(':id/sign')
  @readable
  @HttpCode(200)
  @ApiOperation({
    summary: "Record a party's signature of the approved version",
    operationId: 'signAgreement',
  })
  @ApiOkResponse({ type: AgreementDto })
  @ApiProblem(403)
  @ApiProblem(409, 'Not approved by every party yet')
  @ApiBodyProblems()
  @ApiProblem(404, NOT_PARTY)
  sign(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: SignDto) {
    return this.agreements.sign(actor, id, body);
  }

  @Post(':id/start-review')
  @readable
  @HttpCode(200)
  @ApiOperation({
    summary: 'Put an active agreement under review',
    operationId: 'startAgreementReview',
  })
  @ApiOkResponse({ type: AgreementDto })
  @ApiProblem(403)
  @ApiProblem(409)
  @ApiBodyProblems()
  @ApiProblem(404, NOT_PARTY)
  startReview(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: StartReviewDto) {
    return this.agreements.startReview(actor, id, body);
  }

  @Post(':id/reviews')
  @readable
  @HttpCode(200)
  @ApiOperation({
    summary: "Record a review's outcome: active again, with the next review date",
    operationId: 'recordAgreementReview',
  })
  @ApiOkResponse({ type: AgreementDto })
  @ApiProblem(403)
  @ApiProblem(409)
  @ApiBodyProblems()
  @ApiProblem(404, NOT_PARTY)
  recordReview(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: ReviewDto) {
    return this.agreements.recordReview(actor, id, body);
  }

  @Post(':id/terminate')
  @readable
  @HttpCode(200)
  @ApiOperation({
    summary: 'End the agreement, for a party, with a reason',
    operationId: 'terminateAgreement',
  })
  @ApiOkResponse({ type: AgreementDto })
  @ApiProblem(403)
  @ApiProblem(409)
  @ApiBodyProblems()
  @ApiProblem(404, NOT_PARTY)
  terminate(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: TerminateDto) {
    return this.agreements.terminate(actor, id, body);
  }

  @Put(':id/workstreams')
  @readable
  @ApiOperation({
    summary: 'Set the workstreams pursued under the agreement',
    operationId: 'linkAgreementWorkstreams',
  })
  @ApiOkResponse({ type: AgreementDto })
  @ApiProblem(403)
  @ApiBodyProblems()
  @ApiProblem(404, NOT_PARTY)
  link(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: LinkWorkstreamsDto) {
    return this.agreements.linkWorkstreams(actor, id, body);
  }

  @Get(':id/versions')
  @readable
  @ApiOperation({ summary: 'Every version, oldest first', operationId: 'listAgreementVersions' })
  @ApiOkResponse({ type: VersionPageDto })
  @ApiProblem(400)
  @ApiProblem(404, NOT_PARTY)
  versions(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: PageQueryDto) {
    return this.agreements.versions(actor, id, query);
  }

  @Get(':id/versions/:number')
  @readable
  @ApiOperation({
    summary: 'One version with its decisions, signatures and documents',
    operationId: 'getAgreementVersion',
  })
  @ApiOkResponse({ type: AgreementVersionDto })
  @ApiProblem(404, NOT_PARTY)
  version(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('number') number: string) {
    return this.agreements.version(actor, id, versionNumber(number));
  }

  @Post(':id/versions/:number/documents')
  @readable
  @ApiOperation({
    summary: 'Attach a PDF or Word document (the file is the body, at most 20 MB)',
    operationId: 'attachAgreementDocument',
  })
  @ApiConsumes(PDF, DOCX, 'application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedAt(DocumentDto)
  @ApiProblem(403)
  @ApiProblem(413, 'Over 20 MB: nothing is stored')
  @ApiProblem(415, 'Neither a PDF nor a DOCX')
  @ApiProblem(400)
  @ApiProblem(404, NOT_PARTY)
  async attach(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('number') number: string,
    @Query() query: DocumentQueryDto,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const n = versionNumber(number);
    const document = await this.documents.attach(actor, id, n, query, contentType, body);
    void reply.header(
      'Location',
      `/api/v1/agreements/${id}/versions/${n}/documents/${document.id}`,
    );
    return document;
  }

  @Get(':id/versions/:number/documents')
  @readable
  @ApiOperation({ summary: "A version's documents", operationId: 'listAgreementDocuments' })
  @ApiOkResponse({ type: DocumentPageDto })
  @ApiProblem(404, NOT_PARTY)
  async listDocuments(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('number') number: string,
  ) {
    return { data: await this.documents.list(actor, id, versionNumber(number)), nextCursor: null };
  }

  @Get(':id/versions/:number/documents/:documentId')
  @readable
  @ApiOperation({
    summary: "A document's details and SHA-256",
    operationId: 'getAgreementDocument',
  })
  @ApiOkResponse({ type: DocumentDto })
  @ApiProblem(404, NOT_PARTY)
  getDocument(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('number') number: string,
    @Param('documentId') documentId: string,
  ) {
    return this.documents.get(actor, id, versionNumber(number), documentId);
  }

  @Get(':id/versions/:number/documents/:documentId/content')
  @readable
  @ApiOperation({ summary: 'Download the document', operationId: 'downloadAgreementDocument' })
  @ApiProduces(PDF, DOCX)
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiProblem(404, NOT_PARTY)
  async download(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Param('number') number: string,
    @Param('documentId') documentId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { document, bytes } = await this.documents.download(
      actor,
      id,
      versionNumber(number),
      documentId,
    );
    void reply.header('Content-Disposition', contentDisposition(document.fileName));
    void reply.header('X-Content-SHA256', document.sha256);
    return new StreamableFile(bytes, { type: document.contentType, length: bytes.length });
  }
}
