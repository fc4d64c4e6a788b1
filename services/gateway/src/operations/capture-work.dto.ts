import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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

/** Any JSON value, as it was received. */
const ANY_JSON = { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }, { type: 'array', items: {} }], nullable: true };

/** A rule an input broke: the field, the value received, and the rule. */
export class InputProblem {
  @ApiProperty({ example: 'quantity' }) field!: string;
  @ApiPropertyOptional({ ...ANY_JSON, description: 'The value as received (absent when there was none)' }) value?: unknown;
  @ApiProperty({ example: 'a positive decimal string' }) rule!: string;
}

/** One replay of an exception: who proposed and approved it, and what came of it. */
export class ExceptionAttempt {
  @ApiProperty({ type: 'integer' }) attempt!: number;
  @ApiProperty({ description: 'Who proposed the replay' }) by!: string;
  @ApiProperty({ description: 'Who approved it' }) approvedBy!: string;
  @ApiProperty({ format: 'uuid', description: 'The proposal carried out' }) proposal!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'A corrected message, or the original as it was' }) corrected!: boolean;
  @ApiProperty({ enum: ['CAPTURED', 'AMENDED', 'CANCELLED', 'STALE', 'CONFIRMED', 'PENDING', 'EXCEPTION', 'DUPLICATE'] }) outcome!: string;
  @ApiProperty({ type: [InputProblem] }) problems!: InputProblem[];
}

/** What a replay that went through did. */
export class ExceptionResult {
  @ApiProperty({ enum: ['CAPTURED', 'AMENDED', 'CANCELLED', 'STALE', 'CONFIRMED', 'PENDING', 'DUPLICATE'] }) outcome!: string;
  @ApiProperty({ nullable: true, type: String }) tradeRef!: string | null;
}

/** An input capture could not take as it was: every broken rule, the original bytes, the attempts and the resolution. */
export class CaptureException {
  @ApiProperty({ format: 'uuid' }) exceptionId!: string;
  @ApiProperty() messageId!: string;
  @ApiProperty({ nullable: true, type: String }) tradeRef!: string | null;
  @ApiProperty({ enum: ['INPUT', 'LIFECYCLE', 'CONFIRMATION'] }) kind!: string;
  @ApiProperty({ type: [InputProblem], description: 'Every rule it broke' }) reasons!: InputProblem[];
  @ApiProperty({ enum: ['OPEN', 'REPLAYED', 'REJECTED'] }) status!: string;
  @ApiProperty({ description: 'The topic it came from' }) topic!: string;
  @ApiProperty({ type: 'integer' }) partition!: number;
  @ApiProperty({ description: 'The Kafka offset, a string of digits' }) offset!: string;
  @ApiProperty({ type: [ExceptionAttempt] }) attempts!: ExceptionAttempt[];
  @ApiProperty({ nullable: true, type: String, description: 'Who proposed the replay or the rejection' }) resolvedBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Who approved it' }) approvedBy!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why it was rejected' }) comment!: string | null;
  @ApiProperty({ type: ExceptionResult, nullable: true }) result!: ExceptionResult | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'The original bytes as UTF-8 text (invalid sequences replaced)' }) original!: string;
  @ApiProperty({ format: 'byte', description: 'The original bytes, exactly' }) originalBase64!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The corrected message replayed, as text' }) corrected!: string | null;
}

/** The terms of a bond. */
export class BondTerms {
  @ApiProperty({ description: 'A decimal string: the annual coupon in percent of nominal', example: '0.75' }) couponRate!: string;
  @ApiProperty({ enum: [1, 2, 4, 12], description: 'Coupons a year' }) couponFrequency!: number;
  @ApiProperty({ enum: ['ACT/ACT-ICMA', 'ACT/360', 'ACT/365F', '30E/360', '30/360'] }) dayCount!: string;
  @ApiProperty({ format: 'date' }) maturityDate!: string;
}

/** An instrument of the referential (refdata.instruments.v1). */
export class Instrument {
  @ApiProperty({ example: 'FR0000120271' }) isin!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['SHARE', 'BOND', 'ETF'] }) instrumentType!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ example: 'FR' }) issuerCountry!: string;
  @ApiProperty({ enum: ['EU', 'US'] }) settlementMarket!: string;
  @ApiProperty({ description: 'The BIC of the CSD where it settles', example: 'SICVFRPPXXX' }) placeOfSettlement!: string;
  @ApiProperty({ enum: ['LIQUID_SHARE', 'ILLIQUID_SHARE', 'SME_SHARE', 'SOVEREIGN_DEBT', 'OTHER_DEBT', 'SME_DEBT', 'OTHER'] }) liquidityClass!: string;
  @ApiProperty({ type: 'integer', isArray: true, description: 'Years whose French TTF list includes it' }) ttfScopeYears!: number[];
  @ApiProperty({ type: BondTerms, nullable: true }) bond!: BondTerms | null;
  @ApiProperty({ type: 'integer' }) version!: number;
}

/** A party of the referential: a counterparty or a client (refdata.parties.v1). */
export class Party {
  @ApiProperty({ example: '529900COUNTERPTY0129' }) lei!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'FR' }) country!: string;
  @ApiProperty({ nullable: true, type: String }) bic!: string | null;
  @ApiProperty({ type: 'integer' }) version!: number;
}

/** Where a client's notices go on one channel. */
export class AccountContact {
  @ApiProperty({ enum: ['EMAIL', 'WEBHOOK'] }) channel!: string;
  @ApiProperty({ description: 'A mailbox, or a webhook’s https URL' }) address!: string;
}

/** A client who is a natural person, as MiFIR reports name one. */
export class NaturalPerson {
  @ApiProperty() firstName!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'date' }) birthDate!: string;
  @ApiProperty({ description: 'Country code first' }) nationalId!: string;
  @ApiProperty({ enum: ['NIDN', 'CCPT', 'CONCAT'] }) scheme!: string;
}

/** An account of the referential (refdata.accounts.v1). */
export class Account {
  @ApiProperty({ example: 'CLI-0001' }) account!: string;
  @ApiProperty() clientId!: string;
  @ApiProperty() clientName!: string;
  @ApiProperty({ enum: ['CLIENT', 'PROPRIETARY'] }) accountType!: string;
  @ApiProperty() book!: string;
  @ApiProperty({ enum: ['fr', 'en'] }) language!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The first EMAIL contact' }) email!: string | null;
  @ApiProperty() baseCurrency!: string;
  @ApiProperty({ enum: ['TRADING', 'PLACEMENT', 'INVESTMENT', 'PORTFOLIO_ACTIVITY', 'OTHER_LONG_TERM', 'PARTICIPATIONS'] }) accountingCategory!: string;
  @ApiProperty({ enum: ['CMP', 'FIFO'] }) costMethod!: string;
  @ApiProperty({ type: [AccountContact] }) contacts!: AccountContact[];
  @ApiProperty({ description: 'Settlement netting agreed' }) netting!: boolean;
  @ApiProperty({ type: NaturalPerson, nullable: true }) naturalPerson!: NaturalPerson | null;
  @ApiPropertyOptional({ enum: ['IMMEDIATE', 'DAILY'], description: 'Absent: never chosen (one mail per notice)' }) noticeDelivery?: string;
  @ApiProperty({ type: 'integer' }) version!: number;
}

/** A standing settlement instruction of the referential (refdata.ssis.v1). */
export class Ssi {
  @ApiProperty({ description: 'An account (our side) or a counterparty’s LEI' }) owner!: string;
  @ApiProperty({ enum: ['EU', 'US'] }) market!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'The BIC of the CSD' }) placeOfSettlement!: string;
  @ApiProperty() safekeepingAccount!: string;
  @ApiProperty({ nullable: true, type: String }) cashAccount!: string | null;
  @ApiProperty({ nullable: true, type: String }) agentBic!: string | null;
  @ApiProperty({ type: 'integer' }) version!: number;
}

/** A closing day of a calendar besides its weekend. */
export class Holiday {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty() name!: string;
}

/** A calendar of the referential (refdata.calendars.v1). */
export class Calendar {
  @ApiProperty({ example: 'TARGET' }) code!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: 'integer', isArray: true, description: 'Closed days of the week, 0 = Sunday … 6 = Saturday' }) weekend!: number[];
  @ApiProperty({ type: [Holiday] }) holidays!: Holiday[];
  @ApiProperty({ type: 'integer' }) version!: number;
}

/** One version of a referential row, who changed it and who approved it. */
export class ReferentialVersion {
  @ApiProperty({ enum: ['instruments', 'parties', 'accounts', 'ssis', 'calendars'] }) entity!: string;
  @ApiProperty({ description: 'The row’s key (ISIN, LEI, account, owner:market:currency, calendar code)' }) key!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The row as this version had it' }) data!: Record<string, unknown>;
  @ApiProperty({ enum: ['FILE', 'API'] }) source!: string;
  @ApiProperty({ nullable: true, type: String }) changedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) approvedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
}

/** The trades executed in one hour of a trade date (Paris time). */
export class HourlyExecutions {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 23, description: 'The hour, Paris time: 9 is 09:00 to 09:59' }) hour!: number;
  @ApiProperty({ type: 'integer' }) trades!: number;
}
