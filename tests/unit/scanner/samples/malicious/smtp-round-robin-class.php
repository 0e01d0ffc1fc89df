<?php
use PHPMailer\PHPMailer\PHPMailer;

class Blaster {
    private $smtpList = [];
    private $smtpPos = 0;

    public function __construct($file) {
        foreach (file($file, FILE_IGNORE_NEW_LINES) as $line) {
            list($host, $port, $user, $pass) = explode('|', $line);
            $this->smtpList[] = compact('host', 'port', 'user', 'pass');
        }
    }

    private function nextSmtp() {
        $acc = $this->smtpList[$this->smtpPos];
        $this->smtpPos = ($this->smtpPos + 1) % count($this->smtpList);
        return $acc;
    }

    public function run($leads, $subject, $body) {
        foreach (array_chunk($leads, 20) as $batch) {
            $acc = $this->nextSmtp();
            $mail = new PHPMailer(true);
            $mail->isSMTP();
            $mail->Host = $acc['host'];
            $mail->Username = $acc['user'];
            $mail->Password = $acc['pass'];
            $mail->Port = $acc['port'];
            foreach ($batch as $to) {
                $mail->addBCC($to);
            }
            $mail->Subject = $subject;
            $mail->Body = $body;
            $mail->send();
        }
    }
}
