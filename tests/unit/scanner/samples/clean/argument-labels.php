<?php
// look-alikes: names built from arguments, properties and reversed letters that call nothing dangerous
function label($head, $tail)
{
    $title = ucfirst(substr_replace($head, $tail, 2, 0));
    $fmt = 'sprintf';
    return $fmt('%s: %d', $title, 3);
}
echo label('tle', 'ti');
class Column
{
    private $filter = 'trim';
    public function __construct($mode) { if ($mode) { $this->filter = 'strtolower'; } }
    public function clean($v) { return call_user_func($this->filter, $v); }
}
$c = new Column(true);
echo $c->clean($_POST['name'] ?? '');
$o = new stdClass();
$o->cb = 'str' . 'toupper';
echo call_user_func($o->cb, $_GET['q'] ?? '');
echo implode('', array_reverse(str_split('olleh')));
