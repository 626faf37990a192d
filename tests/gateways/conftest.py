"""The real mail servers (``tests.mailservers``) for every gateway test."""

from tests.mailservers import (  # noqa: F401 - fixtures
    dovecot,
    imap_account,
    imap_accounts,
    smtp_server,
    smtp_server_auth,
    smtp_server_tls,
    tcp_proxy,
    tls_files,
)
