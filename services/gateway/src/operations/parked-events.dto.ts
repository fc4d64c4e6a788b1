import { ApiProperty } from '@nestjs/swagger';

/** One process's parked outbox events: how many, since when; or the service that did not answer. */
export class ParkedEventsOfService {
  @ApiProperty({ enum: ['gateway', 'capture', 'settlement', 'accounting', 'reporting', 'notification'] }) service!: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'null when the service did not answer' }) total!: number | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the oldest of them was parked' }) oldestParkedAt!: string | null;
  @ApiProperty({ required: false, example: 'settlement answered 502' }) unavailable?: string;
}

/** The parked outbox events of every process of the back office. */
export class ParkedEventsCount {
  @ApiProperty({ type: [ParkedEventsOfService] }) services!: ParkedEventsOfService[];
}

/** An event the broker refused for itself, parked in its service's outbox until an operator republishes it. */
export class ParkedEvent {
  @ApiProperty({ description: 'Its outbox id: the order it was written in, and the cursor of the pages' }) id!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() topic!: string;
  @ApiProperty({ nullable: true, type: String }) key!: string | null;
  @ApiProperty({ type: 'integer', description: 'The size of its value in bytes (the value itself stays in the database)' }) bytes!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) parkedAt!: string;
  @ApiProperty({ description: 'What the broker answered' }) refusal!: string;
}
