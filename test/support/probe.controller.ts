import { setImmediate } from 'node:timers/promises';
import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Max, MinLength } from 'class-validator';

class ProbeRequest {
  @IsString()
  @MinLength(1)
  task!: string;

  @IsOptional()
  @IsInt()
  @Max(10)
  count?: number;
}

/** Routes to observe the global ValidationPipe, error shape and error logging from a real client. */
@Controller('probe')
export class ProbeController {
  @Post()
  @HttpCode(200)
  echo(@Body() body: ProbeRequest): ProbeRequest {
    return body;
  }

  /** A bug, thrown after an await: the request's log scope must survive the async hop. */
  @Get('failure')
  async fail(): Promise<never> {
    await setImmediate();
    throw new Error('probe failure');
  }
}
