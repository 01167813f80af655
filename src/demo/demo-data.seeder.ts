import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DemoDataRepository } from './demo-data.repository';

/** Puts the demo rows in place before the server listens; the tables themselves come from the migrations. */
@Injectable()
export class DemoDataSeeder implements OnModuleInit {
  private readonly logger = new Logger('DemoContent');

  constructor(private readonly repository: DemoDataRepository) {}

  async onModuleInit(): Promise<void> {
    const added = await this.repository.seedMissing();
    if (added > 0) this.logger.log(`Seeded ${added} demo rows (contacts, help-centre passages); DEMO_CONTENT=off leaves them out`);
  }
}
