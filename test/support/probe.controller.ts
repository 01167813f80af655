import { Body, Controller, HttpCode, Post } from '@nestjs/common';
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

/** A route with a validated body, to observe the global ValidationPipe and error shape from a real client. */
@Controller('probe')
export class ProbeController {
  @Post()
  @HttpCode(200)
  echo(@Body() body: ProbeRequest): ProbeRequest {
    return body;
  }
}
