"""``unspin-lsp [--stdio | --tcp HOST:PORT]``"""
from __future__ import annotations

import argparse
import logging
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="unspin-lsp", description="unspin language server")
    ap.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (default)")
    ap.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead")
    ap.add_argument("--log-level", default="WARNING")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr)
    from .worker import shared_worker

    shared_worker().warm_up()  # load the models while the protocol machinery is imported and the client connects
    from .server import server

    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        try:
            server.start_tcp(host or "127.0.0.1", int(port))
        except ValueError:
            ap.error(f"--tcp wants HOST:PORT, got {args.tcp!r}")
    else:
        server.start_io()
    return getattr(server.protocol, "exit_code", None) or 0  # 1 after an exit without shutdown


if __name__ == "__main__":
    sys.exit(main())
