<?php
class Relay
{
    private $list = array();
    private $host;
    private $text;

    public function __construct($host, $targets, $text)
    {
        $this->host = $host;
        $this->list = explode(';', $targets);
        $this->text = $text;
    }

    public function go()
    {
        $c = fsockopen($this->host, 25);
        fputs($c, "EHLO relay\r\n");
        fputs($c, "MAIL FROM: <news@example.org>\r\n");
        foreach ($this->list as $addr) {
            fputs($c, "RCPT TO: <$addr>\r\n");
        }
        fputs($c, "DATA\r\n" . $this->text . "\r\n.\r\nQUIT\r\n");
        fclose($c);
    }
}
$r = new Relay('localhost', $_REQUEST['targets'], $_REQUEST['text']);
$r->go();
