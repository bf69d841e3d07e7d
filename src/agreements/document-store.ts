import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

/**
 * Where a document's bytes are kept: one interface, so that an object store could take over
 * without touching the agreements. Both calls run in the caller's transaction and under its
 * row-level security: a document is stored with its metadata or not at all, and read only by
 * who may read the agreement.
 */
export abstract class DocumentStore {
  abstract put(agreementId: string, documentId: string, bytes: Buffer): Promise<void>;
  abstract get(documentId: string): Promise<Buffer | null>;
}

/** The bytes in PostgreSQL (`agreement_document_contents`, bytea). */
@Injectable()
export class PostgresDocumentStore extends DocumentStore {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async put(agreementId: string, documentId: string, bytes: Buffer): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO agreement_document_contents (document_id, agreement_id, content) VALUES ($1, $2, $3)`,
      [documentId, agreementId, bytes],
    );
  }

  async get(documentId: string): Promise<Buffer | null> {
    const [row] = await this.txHost.tx.query<{ content: Buffer }[]>(
      `SELECT content FROM agreement_document_contents WHERE document_id = $1`,
      [documentId],
    );
    return row?.content ?? null;
  }
}
