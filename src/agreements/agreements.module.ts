import { Module } from '@nestjs/common';
import { MailerService } from '../mail/mailer.service';
import { AgreementDocumentsService } from './agreement-documents.service';
import { AgreementReviewsJob } from './agreement-reviews.job';
import { AgreementsController } from './agreements.controller';
import { AgreementsService } from './agreements.service';
import { DocumentStore, PostgresDocumentStore } from './document-store';

@Module({
  controllers: [AgreementsController],
  providers: [
    AgreementsService,
    AgreementDocumentsService,
    AgreementReviewsJob,
    MailerService,
    { provide: DocumentStore, useClass: PostgresDocumentStore },
  ],
})
export class AgreementsModule {}
