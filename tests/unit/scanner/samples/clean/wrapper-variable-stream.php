<?php
// the PHP manual's VariableStream: templates held in global variables, included as files
class VariableStream
{
    public $context;
    private $position;
    private $varname;
    public function stream_open($path, $mode, $options, &$opened_path)
    {
        $url = parse_url($path);
        $this->varname = $url['host'];
        $this->position = 0;
        return isset($GLOBALS[$this->varname]);
    }
    public function stream_read($count)
    {
        $ret = substr($GLOBALS[$this->varname], $this->position, $count);
        $this->position += strlen($ret);
        return $ret;
    }
    public function stream_eof() { return $this->position >= strlen($GLOBALS[$this->varname]); }
    public function stream_stat() { return array(); }
}
stream_wrapper_register('var', 'VariableStream');
$page = file_get_contents(__DIR__ . '/templates/page.tpl');
$title = htmlspecialchars($_GET['title'] ?? 'Home');
include 'var://page';
