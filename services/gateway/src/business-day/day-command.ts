import { ApiProperty } from '@nestjs/swagger';
import { IsIsoDate } from '@postera/platform';

/** Open or close a business day. */
export class DayCommand {
  @ApiProperty({ description: 'The business day (TARGET calendar)', format: 'date', example: '2026-12-04' })
  @IsIsoDate()
  businessDate!: string;
}
