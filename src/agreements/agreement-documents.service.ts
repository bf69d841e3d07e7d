import { createHash, randomUUID } from 'node:crypto';
import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { isUuid } from '../common/ids';
import { asSubject } from '../tenancy/ability';
import { Actor } from '../tenancy/actor';
import { AgreementsService } from './agreements.service';
import { DocumentStore } from './document-store';
import { DOCX, PDF, documentTypeOf } from './document-type';
import { DocumentDto, DocumentQueryDto } from './dto/agreement.dto';

const COLUMNS = `id, version_number AS "versionNumber", kind, file_name AS "fileName",
  content_type AS "contentType", size_bytes AS "sizeBytes", sha256, recorded_by AS "recordedBy",
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt"`;

export interface Download {
  document: DocumentDto;
  bytes: Buffer;
}

/** The signed agreement and its appendices, attached to a version (PDF or DOCX, ≤ 20 MB). */
@Injectable()
export class AgreementDocumentsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly agreements: AgreementsService,
    private readonly store: DocumentStore,
  ) {}

  async attach(
    actor: Actor,
    id: string,
    versionNumber: number,
    query: DocumentQueryDto,
    declared: string | undefined,
    bytes: unknown,
  ): Promise<DocumentDto> {
    const agreement = await this.agreements.summary(actor, id);
    const subject = asSubject('AgreementDocument', {
      partyCouncilIds: agreement.parties.map((p) => p.id),
    });
    if (!actor.ability.can('create', subject)) {
      throw new ForbiddenException("Only a party's officers and admins attach documents");
    }
    await this.assertVersion(id, versionNumber);
    if (agreement.status === 'ended')
      throw new ConflictException('An ended agreement does not change');
    const body = Buffer.isBuffer(bytes) ? bytes : Buffer.alloc(0);
    if (!body.length) {
      throw new UnsupportedMediaTypeException('Send the file itself as the request body');
    }
    const type = documentTypeOf(body);
    if (!type) {
      throw new UnsupportedMediaTypeException(
        'Only PDF and Word (.docx) documents are accepted, and this file is neither',
      );
    }
    const mediaType = declared?.split(';')[0].trim().toLowerCase();
    if (mediaType && (mediaType === PDF || mediaType === DOCX) && mediaType !== type) {
      throw new UnsupportedMediaTypeException(
        `The file was sent as ${mediaType === PDF ? 'a PDF' : 'a Word document'} but it is ${type === PDF ? 'a PDF' : 'a Word document'}`,
      );
    }
    const documentId = randomUUID();
    const sha256 = createHash('sha256').update(body).digest('hex');
    await this.txHost.tx.query(
      `INSERT INTO agreement_documents (id, agreement_id, version_number, kind, file_name, content_type,
                                        size_bytes, sha256, council_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        documentId,
        id,
        versionNumber,
        query.kind,
        query.fileName,
        type,
        body.length,
        sha256,
        actor.councilId,
      ],
    );
    await this.store.put(id, documentId, body);
    return this.get(actor, id, versionNumber, documentId);
  }

  async list(actor: Actor, id: string, versionNumber: number): Promise<DocumentDto[]> {
    await this.agreements.summary(actor, id);
    await this.assertVersion(id, versionNumber);
    return this.txHost.tx.query<DocumentDto[]>(
      `SELECT ${COLUMNS} FROM agreement_documents WHERE agreement_id = $1 AND version_number = $2
        ORDER BY created_at, id`,
      [id, versionNumber],
    );
  }

  async get(
    actor: Actor,
    id: string,
    versionNumber: number,
    documentId: string,
  ): Promise<DocumentDto> {
    await this.agreements.summary(actor, id);
    const [document] = isUuid(documentId)
      ? await this.txHost.tx.query<DocumentDto[]>(
          `SELECT ${COLUMNS} FROM agreement_documents WHERE id = $1 AND agreement_id = $2 AND version_number = $3`,
          [documentId, id, versionNumber],
        )
      : [];
    if (!document) throw new NotFoundException('No document with that id on this version');
    return document;
  }

  async download(
    actor: Actor,
    id: string,
    versionNumber: number,
    documentId: string,
  ): Promise<Download> {
    const document = await this.get(actor, id, versionNumber, documentId);
    const bytes = await this.store.get(documentId);
    if (!bytes) throw new NotFoundException('No document with that id on this version');
    return { document, bytes };
  }

  private async assertVersion(id: string, versionNumber: number): Promise<void> {
    const rows = await this.txHost.tx.query<unknown[]>(
      `SELECT 1 FROM agreement_versions WHERE agreement_id = $1 AND number = $2`,
      [id, versionNumber],
    );
    if (!rows.length) throw new NotFoundException(`The agreement has no version ${versionNumber}`);
  }
}
