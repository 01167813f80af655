import { Module } from '@nestjs/common';
import { ProbeController } from './probe.controller';
import { ProbeGateway } from './probe.gateway';

/** Test-only surface on top of the real app: a gateway and a controller that report what the transport did. */
@Module({ controllers: [ProbeController], providers: [ProbeGateway] })
export class ProbeModule {}
