import { ApiProperty } from '@nestjs/swagger';

/** A message a consumer gave up on: its error, where it came from, and its bytes. */
export class DeadLetter {
  @ApiProperty({ description: 'The dead-letter topic it sits on' }) dlqTopic!: string;
  @ApiProperty({ type: 'integer' }) partition!: number;
  @ApiProperty({ description: 'Its offset on the dead-letter topic, a string of digits' }) offset!: string;
  @ApiProperty({ nullable: true, type: String }) key!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the consumer gave up' }) error!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'How many times it was tried, as the header says' }) attempts!: string | null;
  @ApiProperty({ nullable: true, type: String }) consumer!: string | null;
  @ApiProperty({ nullable: true, type: String }) originalTopic!: string | null;
  @ApiProperty({ nullable: true, type: String }) originalPartition!: string | null;
  @ApiProperty({ nullable: true, type: String }) originalOffset!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When it was dead-lettered, as the header says' }) deadAt!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Its Kafka headers, as UTF-8' }) headers!: Record<string, string>;
  @ApiProperty({ description: 'The first 4 KiB of its value as UTF-8 text' }) value!: string;
  @ApiProperty({ description: 'true when `value` is cut' }) valueTruncated!: boolean;
  @ApiProperty({ type: 'integer' }) valueBytes!: number;
  @ApiProperty({ format: 'byte', description: 'All its bytes' }) valueBase64!: string;
}
