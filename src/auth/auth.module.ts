import { Logger, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { MeController } from './me.controller';
import { resolveSigningSecret } from './signing-secret';
import { TokenVerifier } from './token-verifier';

@Module({
  imports: [PassportModule],
  controllers: [MeController],
  providers: [
    {
      provide: TokenVerifier,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const signing = resolveSigningSecret(config);
        const logger = new Logger('Auth');
        if (config.auth.mode === 'jwks') logger.log(`Verifying tokens against ${config.auth.jwksUri}`);
        else if (signing?.source === 'generated') logger.warn(`Generated a development signing key at ${signing.path}`);
        else if (signing?.source === 'data-folder') logger.log(`Using the development signing key at ${signing.path}`);
        return TokenVerifier.forConfig(config.auth, signing?.secret ?? null);
      },
    },
    JwtStrategy,
    JwtAuthGuard,
  ],
  exports: [TokenVerifier, JwtAuthGuard],
})
export class AuthModule {}
