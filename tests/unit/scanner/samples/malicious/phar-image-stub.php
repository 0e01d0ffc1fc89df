<?php
class Note
{
    public $text = 'hello';
}

$arc = new Phar('note.phar');
$arc->startBuffering();
$arc->setStub("GIF89a" . "<?php __HALT_COMPILER(); ?>");
$arc->addFromString('n.txt', 'note');
$arc->setMetadata(array('kind' => 'note'));
$arc->stopBuffering();
rename('note.phar', 'note.gif');
