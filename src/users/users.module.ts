import { Module } from '@nestjs/common';
import { MailerService } from '../mail/mailer.service';
import { InvitationsService } from './invitations.service';
import { PasswordService } from './password.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  controllers: [UsersController],
  providers: [UsersService, InvitationsService, PasswordService, MailerService],
  exports: [UsersService, InvitationsService, PasswordService],
})
export class UsersModule {}
