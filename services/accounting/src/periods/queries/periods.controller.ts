import { Controller, Get } from '@nestjs/common';
import { READERS, Roles } from '@postera/platform';
import { DataSource } from 'typeorm';
import { listClosings } from '../persistence/closings.repository.js';

@Controller('periods')
export class PeriodsController {
  constructor(private readonly ds: DataSource) {}

  /** The closings, oldest first: each period, its days, who proposed and approved it, and the hashes of its exports at the closing. */
  @Get()
  @Roles(...READERS, 'admin')
  list() {
    return listClosings(this.ds);
  }
}
