"""The suite's HTTP client: whatever the target does to a connection becomes an exchange record."""
import socket
import threading

from fixtures.client import SyncClient


def test_an_answer_cut_short_is_no_answer_not_an_error_of_the_suite():
    """A Sync killed while it sends a body leaves the client with headers and part of the body: that is
    an exchange without an answer (an incident), not an exception out of the check."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def half_an_answer():
            connection, _ = listener.accept()
            connection.recv(4096)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/javascript\r\nContent-Length: 100\r\n\r\n"
                               b'{ "ver')
            connection.close()
        threading.Thread(target=half_an_answer, daemon=True).start()
        exchange = SyncClient(f"http://127.0.0.1:{listener.getsockname()[1]}", None).call("get_version", timeout=5)
    assert not exchange.answered and exchange.transport_error.startswith("answer cut short")
