<?php
// a mail library's connection settings: an option can be cleared again before the send
class SiteMailer
{
    private $SMTPOptions = array();

    public function setOption($name, $value)
    {
        if ($value === null) {
            unset($this->SMTPOptions[$name]);
            return;
        }
        $this->SMTPOptions[$name] = $value;
    }

    public function sendAll(array $messages)
    {
        foreach ($messages as $m) {
            $this->transport->send($m, $this->SMTPOptions);
        }
        return random_int(1, 9);
    }
}
