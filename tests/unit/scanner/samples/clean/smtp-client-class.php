<?php
/**
 * An SMTP client class in the style of PHPMailer's SMTP.php (sockets to port 25 are its job).
 */
class Example_SMTP
{
    /** @var resource|null */
    protected $smtp_conn;
    public $Timeout = 300;

    public function connect($host, $port = 25, $timeout = 30)
    {
        $this->smtp_conn = fsockopen($host, $port, $errno, $errstr, $timeout);
        return is_resource($this->smtp_conn);
    }

    public function hello($host = '')
    {
        return $this->sendCommand('EHLO', 'EHLO ' . $host, 250);
    }

    public function mail($from)
    {
        return $this->sendCommand('MAIL FROM', 'MAIL FROM:<' . $from . '>', 250);
    }

    public function recipient($address)
    {
        return $this->sendCommand('RCPT TO', 'RCPT TO:<' . $address . '>', [250, 251]);
    }

    public function data($msg_data)
    {
        if (!$this->sendCommand('DATA', 'DATA', 354)) {
            return false;
        }
        fwrite($this->smtp_conn, $msg_data . "\r\n.\r\n");
        return true;
    }

    public function quit()
    {
        return $this->sendCommand('QUIT', 'QUIT', 221);
    }

    protected function sendCommand($command, $commandstring, $expect)
    {
        fwrite($this->smtp_conn, $commandstring . "\r\n");
        $reply = fgets($this->smtp_conn, 515);
        return in_array((int) substr($reply, 0, 3), (array) $expect, true);
    }
}
