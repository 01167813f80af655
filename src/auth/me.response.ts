import { ApiProperty } from '@nestjs/swagger';

export class MeResponse {
  @ApiProperty({ example: 'alice', description: 'The token subject; it owns the chats it starts' })
  sub!: string;

  @ApiProperty({ example: ['operator'], type: [String], description: 'Roles from the configured claim (JWT_ROLES_CLAIM)' })
  roles!: string[];
}
