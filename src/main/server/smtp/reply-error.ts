// An SMTP error reply as a typed error, in the catalogue's style (src/shared/errors.ts): a
// HearthError whose `response` is the whole reply line. Both SMTP listeners throw or hand it to
// smtp-server, which answers with `responseCode` and `message`.
import { HearthError, type ErrorCode } from '../../../shared/errors.ts';

/** RFC 3463 enhanced status code, class.subject.detail ("5.1.1"). */
const ENHANCED_STATUS = /^([245]\.\d{1,3}\.\d{1,3}) (.*)$/s;

export class SmtpReplyError extends HearthError {
  /** The reply code (RFC 5321 4.2); smtp-server reads this property. */
  readonly responseCode: number;
  /** RFC 3463 enhanced status code sent before the text (RFC 2034), or '' for none. */
  readonly enhancedStatus: string;
  readonly text: string;

  /**
   * The reply `<responseCode> <enhancedStatus> <text>`. `code` files it in the catalogue; by
   * default SERVER_TEMPORARY for a 4xx reply and SERVER_ERROR for a 5xx one.
   */
  constructor(responseCode: number, enhancedStatus: string, text: string, code?: ErrorCode) {
    const reply = enhancedStatus ? `${enhancedStatus} ${text}` : text;
    super(code ?? (responseCode < 500 ? 'SERVER_TEMPORARY' : 'SERVER_ERROR'), reply, { response: `${responseCode} ${reply}` });
    this.name = 'SmtpReplyError';
    this.responseCode = responseCode;
    this.enhancedStatus = enhancedStatus;
    this.text = text;
  }

  /** From a code and a reply text that may start with an enhanced status ("5.7.1 Rejected by policy"). */
  static fromReply(responseCode: number, reply: string, code?: ErrorCode): SmtpReplyError {
    const m = ENHANCED_STATUS.exec(reply);
    return m ? new SmtpReplyError(responseCode, m[1]!, m[2]!, code) : new SmtpReplyError(responseCode, '', reply, code);
  }
}
