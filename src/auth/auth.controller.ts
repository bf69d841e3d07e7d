import { Body, Controller, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
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

  /** Failed attempts are limited per account and address, per address and per account. */
  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: TokensDto })
  @ApiUnauthorizedResponse({ type: ProblemDto })
  @ApiTooManyRequestsResponse({
    type: ProblemDto,
    description: 'Too many failed attempts; see Retry-After',
  })
  @ApiServiceUnavailableResponse({
    type: ProblemDto,
    description: 'Too many passwords being checked at once; see Retry-After',
  })
  login(@Body() body: LoginDto, @Ip() address: string): Promise<TokensDto> {
    return this.auth.login(body.email, body.password, address);
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
  @UseGuards(LoginThrottlerGuard)
  @SkipThrottle({ account: true })
  @ApiTooManyRequestsResponse({ type: ProblemDto, description: 'See Retry-After' })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'Unknown, used or expired code' })
  acceptInvitation(@Body() body: SetPasswordDto): Promise<void> {
    return this.invitations.setPassword('invitation', body.token, body.password);
  }

  /**
   * Mails a one-time reset code to the stored address when the email belongs to an active
   * user; answers 202 at once either way, and issues the code after answering.
   */
  @Post('password-reset')
  @Public()
  @HttpCode(202)
  @UseGuards(LoginThrottlerGuard)
  @ApiTooManyRequestsResponse({ type: ProblemDto, description: 'See Retry-After' })
  requestReset(@Body() body: ResetRequestDto): void {
    this.invitations.requestReset(body.email);
  }

  /** Sets a new password with the reset code; every session of the user ends. */
  @Post('password-reset/confirm')
  @Public()
  @HttpCode(204)
  @UseGuards(LoginThrottlerGuard)
  @SkipThrottle({ account: true })
  @ApiTooManyRequestsResponse({ type: ProblemDto, description: 'See Retry-After' })
  @ApiUnauthorizedResponse({ type: ProblemDto, description: 'Unknown, used or expired code' })
  confirmReset(@Body() body: SetPasswordDto): Promise<void> {
    return this.invitations.setPassword('password_reset', body.token, body.password);
  }
}
