<?php
class Backups extends CI_Controller
{
    public function create()
    {
        $name = preg_replace('/[^a-z0-9_-]/i', '', $this->input->post('name'));
        exec('/usr/local/bin/site-backup --name ' . escapeshellarg($this->input->post('name')));
        $this->db->insert('backups', array('name' => $name, 'note' => $this->input->post('note', true)));
        redirect('backups');
    }
}
