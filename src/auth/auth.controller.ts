import { Body, Controller, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { ApiBodyProblems, ApiProblem } from '../common/api-responses';
import { Actor } from '../tenancy/actor';
import { CheckPolicies, CurrentActor, Public, SkipTransaction } from '../tenancy/decorators';
import { AuthService } from './auth.service';
import { LoginDto, RefreshDto, ResetRequestDto, SetPasswordDto, TokensDto } from './dto/auth.dto';
import { InvitationsService } from '../users/invitations.service';

@ApiTags('auth')
@ApiProblem(400)
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
  @ApiOperation({
    summary: 'Sign in with email and password',
    description: 'An access token (a JWT, for `Authorization: Bearer`) and a refresh token.',
    operationId: 'login',
  })
  @ApiBodyProblems()
  @ApiOkResponse({ type: TokensDto })
  @ApiProblem(401, 'Wrong email or password, or the user is not active')
  @ApiProblem(429, 'Too many failed attempts; see Retry-After')
  @ApiProblem(503, 'Too many passwords being checked at once; see Retry-After', {
    retryAfter: true,
  })
  login(@Body() body: LoginDto, @Ip() address: string): Promise<TokensDto> {
    return this.auth.login(body.email, body.password, address);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for new tokens',
    description: 'The refresh token is used up: keep the new one.',
    operationId: 'refreshTokens',
  })
  @ApiBodyProblems()
  @ApiOkResponse({ type: TokensDto })
  @ApiProblem(401, 'Unknown, used, revoked or expired refresh token')
  refresh(@Body() body: RefreshDto): Promise<TokensDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @CheckPolicies(() => true)
  @ApiOperation({ summary: 'Sign out: end this session', operationId: 'logout' })
  @ApiNoContentResponse({ description: 'The session and its refresh token are revoked' })
  @ApiProblem(401)
  logout(@CurrentActor() actor: Actor): Promise<void> {
    return this.auth.logout(actor.sessionId);
  }

  /** Sets the password of an invited user and activates them. */
  @Post('accept-invitation')
  @Public()
  @HttpCode(204)
  @UseGuards(LoginThrottlerGuard)
  @SkipThrottle({ account: true })
  @ApiOperation({
    summary: "Accept an invitation: set the invited user's password",
    operationId: 'acceptInvitation',
  })
  @ApiBodyProblems()
  @ApiNoContentResponse({ description: 'The user is active and may sign in' })
  @ApiProblem(401, 'Unknown, used or expired code')
  @ApiProblem(429)
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
  @ApiOperation({
    summary: 'Ask for a password reset code by mail',
    operationId: 'requestPasswordReset',
  })
  @ApiBodyProblems()
  @ApiAcceptedResponse({ description: 'Answered whether or not the email belongs to a user' })
  @ApiProblem(429)
  requestReset(@Body() body: ResetRequestDto): void {
    this.invitations.requestReset(body.email);
  }

  /** Sets a new password with the reset code; every session of the user ends. */
  @Post('password-reset/confirm')
  @Public()
  @HttpCode(204)
  @UseGuards(LoginThrottlerGuard)
  @SkipThrottle({ account: true })
  @ApiOperation({
    summary: 'Set a new password with a reset code',
    operationId: 'confirmPasswordReset',
  })
  @ApiBodyProblems()
  @ApiNoContentResponse({ description: 'The password is set; every session of the user ended' })
  @ApiProblem(401, 'Unknown, used or expired code')
  @ApiProblem(429)
  confirmReset(@Body() body: SetPasswordDto): Promise<void> {
    return this.invitations.setPassword('password_reset', body.token, body.password);
  }
}
