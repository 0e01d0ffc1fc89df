<?php
// an upload handler class of a site's own: images only, into the folder the site chose
class ImageUpload {
    private $dir;
    private $allowed = array('jpg', 'jpeg', 'png', 'gif');
    public function __construct($dir) { $this->dir = $dir; }
    public function save(array $file) {
        if (!is_uploaded_file($file['tmp_name'])) {
            return false;
        }
        $ext = strtolower(pathinfo($file['name'], PATHINFO_EXTENSION));
        if (!in_array($ext, $this->allowed, true)) {
            return false;
        }
        $name = bin2hex(random_bytes(8)) . '.' . $ext;
        return move_uploaded_file($file['tmp_name'], $this->dir . '/' . $name) ? $name : false;
    }
}
$up = new ImageUpload(__DIR__ . '/uploads');
if (isset($_FILES['photo'])) {
    echo $up->save($_FILES['photo']) ? 'saved' : 'refused';
}
