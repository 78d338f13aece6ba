import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// A request the HTTP parser cannot read (a NUL or a control character in a header, a broken
/// request line) is answered like every other refusal: 400 problem+json naming what was wrong,
/// then the connection closes. Without this the framework answers an empty 400.
final class MalformedRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parse = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        let problem = APIProblem(.badRequest, code: "malformed_request",
                                 zh: "HTTP 请求无法解析（请求行或请求头含有非法字符）",
                                 en: "The HTTP request cannot be parsed (an illegal character in the request line or a header)",
                                 field: Self.field(parse))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(ProblemBody(problem, requestId: nil))) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json; charset=utf-8", .connection: "close",
                                   .contentLength: String(body.count)]
        headers.append(contentsOf: SecurityHeaders.fixed)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .badRequest, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    /// The part of the request the parser stopped at, as near as it says.
    static func field(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidHeaderToken, .headerOverflow, .invalidContentLength, .unexpectedContentLength:
            "headers"
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidMethod, .invalidVersion:
            "request-line"
        default:
            "request"
        }
    }
}
