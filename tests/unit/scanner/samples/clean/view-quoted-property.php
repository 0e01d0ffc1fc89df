<?php
// a view whose string form escapes its title with the helper it was given
class View
{
    public $title;
    public $escape = 'htmlspecialchars';
    public function __toString()
    {
        $e = $this->escape;
        return '<h1>' . $e("$this->title") . '</h1>';
    }
}
$v = new View();
$v->title = isset($row['title']) ? $row['title'] : 'Untitled';
$page = isset($_GET['page']) ? (int) $_GET['page'] : 1;
echo $v, ' page ', $page;
