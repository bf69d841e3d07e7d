import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblem } from '../common/api-responses';
import { Public, SkipTransaction } from '../tenancy/decorators';
import { IndexDto } from './dto/health.dto';

const INDEX: IndexDto = {
  name: 'Joint Working Hub API',
  links: {
    docs: '/docs',
    openapi: '/docs-json',
    health: '/health',
    api: '/api/v1',
    signIn: '/api/v1/auth/login',
  },
};

/** `/` and `/api/v1`: where to go next, for a person or a client that starts at the top. */
@ApiTags('health')
@ApiProblem(400)
@Controller()
export class IndexController {
  @Get()
  @Public()
  @SkipTransaction()
  @ApiOperation({ summary: 'Links to the API, its documentation and health', operationId: 'index' })
  @ApiOkResponse({ type: IndexDto })
  root(): IndexDto {
    return INDEX;
  }

  @Get('api/v1')
  @Public()
  @SkipTransaction()
  @ApiOperation({
    summary: 'Links to the API, its documentation and health',
    operationId: 'apiIndex',
  })
  @ApiOkResponse({ type: IndexDto })
  api(): IndexDto {
    return INDEX;
  }
}
