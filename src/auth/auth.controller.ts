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
import { LoginDto, RefreshDto, TokensDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller('auth')
@SkipTransaction()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

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
}
