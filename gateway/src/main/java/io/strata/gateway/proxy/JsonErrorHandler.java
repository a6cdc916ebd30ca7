package io.strata.gateway.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own error answers (a request it cannot parse, a path it refuses before the gateway sees it) in the
 * gateway's JSON shape, {@code {"code": 400, "message": "..."}}, instead of Jetty's HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, "Bad request: " + (reason == null ? HttpStatus.getMessage(status) : reason)
                + " (Jetty refused the request line or path)"));
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        baseRequest.setHandled(true);
        if (response.isCommitted()) return;
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        int status = response.getStatus();
        response.setContentType("application/json");
        byte[] bytes = body(status, message == null ? HttpStatus.getMessage(status) : message.toString());
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    static byte[] body(int status, String message) {
        ObjectNode o = Json.object();
        o.put("code", status);
        o.put("message", message);
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }
}
