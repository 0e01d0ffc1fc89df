<?php
// the contact page sends the visitor's message to the shop's own mailbox through its SMTP class
class ShopMailer
{
    private $to;
    private $body;

    public function __construct($to, $body)
    {
        $this->to = $to;
        $this->body = $body;
    }

    public function send()
    {
        $s = fsockopen('mail.example.com', 25);
        fputs($s, "HELO shop.example.com\r\n");
        fputs($s, "MAIL FROM: <web@example.com>\r\n");
        fputs($s, "RCPT TO: <" . $this->to . ">\r\n");
        fputs($s, "DATA\r\nSubject: contact\r\n\r\n" . $this->body . "\r\n.\r\n");
        fputs($s, "QUIT\r\n");
        fclose($s);
    }
}
$text = strip_tags($_POST['message'] ?? '');
$m = new ShopMailer('orders@example.com', $text);
$m->send();
