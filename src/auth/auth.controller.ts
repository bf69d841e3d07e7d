import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { ProblemDto } from '../common/problem';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor, Public, SkipTransaction } from '../tenancy/decorators';
import { AuthService } from './auth.service';
import { LoginDto, RefreshDto, ResetRequestDto, SetPasswordDto, TokensDto } from './dto/auth.dto';
import { InvitationsService } from '../users/invitations.service';

@ApiTags('auth')
@Controller('auth')
@SkipTransaction()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly invitations: InvitationsService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @UseGuards(LoginThrottlerGuard)
  @ApiOkResponse({ type: TokensDto })
  @ApiUnauthorizedResponse({ type: ProblemDto })
  @ApiTooManyRequestsResponse({
    type: ProblemDto,
    description: 'Too many attempts; see Retry-After',
  })
  login(@Body() body: LoginDto): Promise<TokensDto> {
    return this.auth.login(body.email, body.password);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: TokensDto })
  @ApiUnauthorizedResponse({ type: ProblemDto })
  refresh(@Body() body: RefreshDto): Promise<TokensDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @CheckPolicies(() => true)
  logout(@CurrentActor() actor: Actor): Promise<void> {
    return this.auth.logout(actor.sessionId);
  }

  /** Sets the password of an invited user and activates them. */
  @Post('accept-invitation')
  @Public()
  @HttpCode(204)
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'Unknown, used or expired code' })
  acceptInvitation(@Body() body: SetPasswordDto): Promise<void> {
    return this.invitations.setPassword('invitation', body.token, body.password);
  }

  /** Mails a one-time reset code when the email belongs to a user; answers 202 either way. */
  @Post('password-reset')
  @Public()
  @HttpCode(202)
  @UseGuards(LoginThrottlerGuard)
  requestReset(@Body() body: ResetRequestDto): Promise<void> {
    return this.invitations.requestReset(body.email);
  }

  /** Sets a new password with the reset code; every session of the user ends. */
  @Post('password-reset/confirm')
  @Public()
  @HttpCode(204)
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'Unknown, used or expired code' })
  confirmReset(@Body() body: SetPasswordDto): Promise<void> {
    return this.invitations.setPassword('password_reset', body.token, body.password);
  }
}
