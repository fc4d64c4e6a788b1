import { ApiProperty } from '@nestjs/swagger';

/** A row of the trade blotter, as capture serves it. */
export class BlotterTrade {
  @ApiProperty({ example: 'FO-EQ:T-0042' }) tradeRef!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ example: 'CAPTURED' }) status!: string;
  @ApiProperty({ example: 'ELECTRONIC' }) origin!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Who booked it by hand; null for an electronic trade' }) maker!: string | null;
  @ApiProperty() counterparty!: string;
  @ApiProperty() account!: string;
  @ApiProperty() isin!: string;
  @ApiProperty({ enum: ['BUY', 'SELL'] }) side!: string;
  @ApiProperty() quantity!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ format: 'date' }) tradeDate!: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) settlementDate!: string | null;
}
