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
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageQueryDto } from '../common/pagination';
import { ProblemDto } from '../common/problem';
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
  Versioned,
} from './dto/agreement.dto';

const readable = CheckPolicies((ability) => ability.can('read', 'Agreement'));

/** A version number in a path: a positive integer, or no such version (404). */
function versionNumber(raw: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw new NotFoundException('No such version');
  return Number(raw);
}

@ApiTags('agreements')
@ApiBearerAuth()
@ApiNotFoundResponse({ type: ProblemDto, description: 'Not an agreement your council is party to' })
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
  list(@CurrentActor() actor: Actor, @Query() query: AgreementQueryDto) {
    return this.agreements.list(actor, query);
  }

  @Post()
  @CheckPolicies((ability) => ability.can('create', 'Agreement'))
  @ApiOperation({ summary: 'Start a draft agreement (version 1)', operationId: 'createAgreement' })
  @ApiCreatedResponse({ type: AgreementDto })
  @ApiForbiddenResponse({ type: ProblemDto })
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
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Stale version, or terms frozen' })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateAgreementDto) {
    return this.agreements.update(actor, id, body);
  }

  @Post(':id/submit')
  @readable
  @HttpCode(200)
  @ApiOperation({ summary: 'Put the draft terms to every party', operationId: 'submitAgreement' })
  @ApiOkResponse({ type: AgreementDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  submit(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: Versioned) {
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
  @ApiForbiddenResponse({ type: ProblemDto, description: 'Not a council admin of that party' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not in approval, or already decided' })
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
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
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
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not approved by every party yet' })
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
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
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
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
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
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
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
  @ApiForbiddenResponse({ type: ProblemDto })
  link(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: LinkWorkstreamsDto) {
    return this.agreements.linkWorkstreams(actor, id, body);
  }

  @Get(':id/versions')
  @readable
  @ApiOperation({ summary: 'Every version, oldest first', operationId: 'listAgreementVersions' })
  @ApiOkResponse({ type: VersionPageDto })
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
  @ApiCreatedResponse({ type: DocumentDto })
  @ApiForbiddenResponse({ type: ProblemDto })
  @ApiPayloadTooLargeResponse({ type: ProblemDto, description: 'Over 20 MB: nothing is stored' })
  @ApiUnsupportedMediaTypeResponse({ type: ProblemDto, description: 'Neither a PDF nor a DOCX' })
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
