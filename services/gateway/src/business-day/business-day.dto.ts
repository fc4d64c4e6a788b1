import { ApiProperty } from '@nestjs/swagger';
import { IsIsoDate } from '@postera/platform';

/** Open or close a business day. */
export class DayCommand {
  @ApiProperty({ description: "The business day (the referential's TARGET calendar)", format: 'date', example: '2026-12-04' })
  @IsIsoDate()
  businessDate!: string;
}

/** Where the business day stands. */
export class BusinessDayState {
  @ApiProperty({ example: 'TARGET' }) calendar!: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'null before the first day is opened' }) businessDate!: string | null;
  @ApiProperty({ enum: ['OPEN', 'CLOSED', 'NONE'] }) status!: 'OPEN' | 'CLOSED' | 'NONE';
}

/** What an open or close did: the day as it now stands, and whether the same command had already been done. */
export class BusinessDayCommandResult {
  @ApiProperty({ example: 'TARGET' }) calendar!: string;
  @ApiProperty({ format: 'date' }) businessDate!: string;
  @ApiProperty({ enum: ['OPEN', 'CLOSED'] }) status!: 'OPEN' | 'CLOSED';
  @ApiProperty({ description: 'true when the same command had been done before: nothing new happened' }) alreadyDone!: boolean;
}
