import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { MAX_SUBJECT_CHARS } from '../auth/claims';

export const DEV_TOKEN_TTL_S = 3600;

export class DevTokenRequest {
  @ApiProperty({ example: 'alice', minLength: 1, maxLength: MAX_SUBJECT_CHARS, description: 'The user the token names (`sub`)' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SUBJECT_CHARS)
  @Matches(/^[^\0]*$/, { message: 'sub must not contain NUL' })
  sub!: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    example: ['operator'],
    description: 'Roles to put in the roles claim (JWT_ROLES_CLAIM), e.g. `operator`; none by default',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(64, { each: true })
  roles?: string[];
}

export class DevTokenResponse {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…', description: 'An HS256 token signed with the development key' })
  token!: string;

  @ApiProperty({ example: 'alice' })
  sub!: string;

  @ApiProperty({ type: [String], example: ['operator'] })
  roles!: string[];

  @ApiProperty({ format: 'date-time', example: '2026-11-21T13:00:00.000Z', description: `When it expires (${DEV_TOKEN_TTL_S / 3600} h after issue), ISO 8601 UTC` })
  expiresAt!: string;
}
