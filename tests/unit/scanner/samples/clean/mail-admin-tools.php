<?php
/**
 * Mail-hosting admin helpers (clean look-alike for mailer.direct-to-mx,
 * mailer.smtp-request-driven, php.callback-dangerous-name and shell.session-harvest):
 * validates domains with DNS, sends a welcome mail through the configured SMTP server,
 * decodes an id list, and counts the active sessions of this application.
 */
final class MailAdminTools
{
    public function __construct(private string $smtpHost = 'localhost', private int $smtpPort = 25)
    {
    }

    public function domainAcceptsMail(string $domain): bool
    {
        return checkdnsrr($domain, 'MX') || checkdnsrr($domain, 'A') || getmxrr($domain, $hosts);
    }

    public function sendWelcome(string $to): bool
    {
        $fh = fsockopen($this->smtpHost, $this->smtpPort, $errno, $errstr, 10);
        if (!$fh) {
            return false;
        }
        fwrite($fh, "HELO localhost\r\n");
        fwrite($fh, "MAIL FROM:<postmaster@example.com>\r\n");
        fwrite($fh, "RCPT TO:<" . $to . ">\r\n");
        fwrite($fh, "DATA\r\nSubject: Welcome\r\n\r\nYour mailbox is ready.\r\n.\r\nQUIT\r\n");
        fclose($fh);
        return true;
    }

    public function selectedIds(): array
    {
        $page = isset($_GET['page']) ? (int) $_GET['page'] : 1;
        return [$page, array_map('base64_decode', explode('-', (string) ($_COOKIE['ids'] ?? '')))];
    }

    public function activeSessions(string $session_save_path): int
    {
        $count = 0;
        $dir = opendir($session_save_path);
        while ($dir && ($filename = readdir($dir)) !== false) {
            if (str_starts_with($filename, 'sess_')
                && file_get_contents($session_save_path . '/' . $filename) !== '') {
                $count++;
            }
        }
        return $count;
    }
}
