#!/usr/bin/env python3
"""A task for the load balancer's end-to-end tests.

  task_server.py http PORT NAME CONTROL_DIR   answers "NAME PORT" on /, and /health with 200 unless
                                              CONTROL_DIR/unhealthy-PORT exists (then 503)
  task_server.py tcp PORT NAME                answers each line with "NAME PORT <line>"

Binds 127.0.0.1 only. Dies at once on SIGTERM, as most programs do (no draining of its own).
"""
import os
import socketserver
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def http(port, name, control):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            if self.path.startswith("/health"):
                sick = os.path.exists(os.path.join(control, "unhealthy-%d" % port))
                self.reply(503 if sick else 200, "sick\n" if sick else "ok\n")
            else:
                self.reply(200, "%s %d\n" % (name, port))

        def reply(self, status, body):
            # status line, headers and body in one write: a task killed mid-response (which no proxy can retry,
            # the client already has the headers) is then a task killed before or after it
            data = body.encode()
            reason = "OK" if status == 200 else "Service Unavailable"
            head = "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % (status, reason, len(data))
            self.wfile.write(head.encode() + data)

        def log_message(self, *args):
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def tcp(port, name):
    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            for line in self.rfile:
                self.wfile.write(("%s %d %s\n" % (name, port, line.decode().strip())).encode())
                self.wfile.flush()

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    Server(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    kind, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind == "http":
        http(port, name, sys.argv[4] if len(sys.argv) > 4 else ".")
    else:
        tcp(port, name)
